package io.angler.k8s.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds status conditions, keeping the transition time when a condition's status did not change. */
final class Conditions {
    private Conditions() {
    }

    static List<Condition> set(List<Condition> previous, String type, boolean status, String reason, String message,
                               long generation, Instant now) {
        String s = status ? "True" : "False";
        String since = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        List<Condition> out = new ArrayList<>();
        if (previous != null) {
            for (Condition c : previous) {
                if (type.equals(c.getType())) {
                    if (s.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                        since = c.getLastTransitionTime();
                    }
                } else {
                    out.add(c);
                }
            }
        }
        out.add(new ConditionBuilder().withType(type).withStatus(s).withReason(reason)
                .withMessage(message.length() > 1024 ? message.substring(0, 1024) + "..." : message)
                .withObservedGeneration(generation).withLastTransitionTime(since).build());
        return out;
    }
}
