package io.angler.k8s.operator;

import io.angler.core.offer.Offer;
import io.angler.k8s.crd.ContributionSpecs;
import io.angler.node.lease.LeaseStore;
import java.util.ArrayList;
import java.util.List;

/** The real ledger, recording what the operator published and withdrew. */
class RecordingNode extends LocalLedger {
    final List<String> calls = new ArrayList<>();

    @Override
    public synchronized void restore(LeaseStore store, List<ContributionSpecs.Checked> offers) {
        super.restore(store, offers);
        calls.add("restore " + offers.stream().map(c -> c.offer().name()).toList());
    }

    @Override
    public synchronized void publish(Offer offer, List<Integer> precisions) {
        super.publish(offer, precisions);
        calls.add("publish " + offer.name() + " q=" + offer.quantity() + " f=" + offer.price() + " at " + precisions);
    }

    @Override
    public synchronized void withdraw(String offerName) {
        super.withdraw(offerName);
        calls.add("withdraw " + offerName);
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }
}
