package io.angler.mpc.wrk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WrkOptionsTest {
    @Test
    void withOtReuseChangesOnlyTheReuse() {
        WrkOptions strict = new WrkOptions(60);
        assertThat(strict.reuseOt()).isTrue();
        assertThat(strict.withOtReuse(false)).isEqualTo(new WrkOptions(60, false));
        assertThat(strict.withOtReuse(false).withOtReuse(true)).isEqualTo(strict);
        assertThatThrownBy(() -> new WrkOptions(39, false)).hasMessageContaining("outside 40..63");
    }
}
