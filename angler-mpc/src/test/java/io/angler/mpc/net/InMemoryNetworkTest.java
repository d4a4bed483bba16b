package io.angler.mpc.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.mpc.MpcAbortException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InMemoryNetworkTest {

    @Test
    void bothSidesCanSendLargeMessagesAtOnce() throws Exception {
        List<Network> nets = InMemoryNetwork.create(2, Duration.ofSeconds(10));
        long[] big = new long[(FramedChannel.MAX_FRAME / 8) * 2 + 3]; // spans three frames
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0x9E3779B97F4A7C15L;
        }
        CompletableFuture<long[]> other = CompletableFuture.supplyAsync(() -> exchange(nets.get(1), big));
        long[] mine = exchange(nets.get(0), big);
        assertThat(mine).isEqualTo(big);
        assertThat(other.get()).isEqualTo(big);
        assertThat(nets.get(0).channel(1).stats().bytesSent()).isEqualTo(big.length * 8L + 5);
        assertThat(nets.get(0).channel(1).stats().messagesSent()).isEqualTo(1);
    }

    private static long[] exchange(Network net, long[] data) {
        Channel ch = net.channel(1 - net.self());
        ch.write(new byte[] {7});
        ch.writeInt(-123456);
        ch.writeLongs(data);
        ch.flush();
        assertThat(ch.readBytes(1)[0]).isEqualTo((byte) 7);
        assertThat(ch.readInt()).isEqualTo(-123456);
        long[] got = new long[data.length];
        ch.readLongs(got);
        return got;
    }

    @Test
    void readsTimeOutAndNameThePeer() {
        List<Network> nets = InMemoryNetwork.create(3, Duration.ofMillis(50));
        assertThatThrownBy(() -> nets.get(0).channel(2).readInt())
                .isInstanceOf(MpcAbortException.class).hasMessageContaining("timeout").hasMessageContaining("party 2");
    }

    @Test
    void closingFailsThePeersReadsAtOnce() {
        List<Network> nets = InMemoryNetwork.create(2, Duration.ofSeconds(30));
        nets.get(1).close();
        long start = System.nanoTime();
        assertThatThrownBy(() -> nets.get(0).channel(1).readInt())
                .isInstanceOf(MpcAbortException.class).hasMessageContaining("disconnect");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> nets.get(0).channel(1).readInt()).hasMessageContaining("disconnect");
        assertThatThrownBy(() -> nets.get(0).channel(0)).hasMessageContaining("no channel");
    }
}
