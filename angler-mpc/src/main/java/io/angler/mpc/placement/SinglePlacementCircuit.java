package io.angler.mpc.placement;

import io.angler.core.placement.PlacementMode;
import io.angler.mpc.circuit.CircuitBuilder;

/**
 * First-price and second-price placement: one winner, the cheapest provider whose capacity covers
 * the request, ties to the lowest index.
 *
 * <p>Each provider's key is the (priceBits + 1)-bit number (not fit, price): an unfit provider
 * loses to every fit one. A balanced tournament tree of K - 1 merges finds the smallest key; each
 * merge is one comparator and one multiplexer ("right strictly smaller" keeps ties on the left, the
 * lower indices). The winner is then marked one-hot from the root down with one AND per internal
 * node: {@code sel(left) = sel(node) AND NOT s}, {@code sel(right) = sel(node) XOR sel(left)},
 * {@code sel(root) = fit(root)}. Second-price also carries the second-smallest key up the tree,
 * and carries the price paid, masked by the selection bit, down with it: each provider receives
 * its own masked copy for one AND per bit per internal node.
 *
 * <p>With minimums, "fit" is {@code lo <= request <= lo + span} from the provider's range input
 * (see {@link PlacementCircuit#providerInput}): one subtraction and one comparison, 2n - 1 AND
 * gates instead of n.
 */
final class SinglePlacementCircuit {
    private final CircuitBuilder b;
    private final boolean secondPrice;
    private final int priceBits;

    /** A subtree's result: its smallest key, its second-smallest (null: none), the merge's select bit. */
    private static final class Node {
        int[] min;
        int[] second;
        int rightWon;
        Node left;
        Node right;
        int leaf = -1;
    }

    private SinglePlacementCircuit(CircuitBuilder b, boolean secondPrice, int priceBits) {
        this.b = b;
        this.secondPrice = secondPrice;
        this.priceBits = priceBits;
    }

    static PlacementCircuit build(PlacementSpec spec) {
        PlacementMode mode = spec.mode();
        int k = spec.providers();
        int u = spec.widths().unitBits();
        int pb = spec.widths().priceBits();
        CircuitBuilder b = new CircuitBuilder(k + 1);
        int[] request = b.input(0, u);
        int[][] keys = new int[k][];
        for (int i = 0; i < k; i++) {
            int fit;
            int[] price;
            if (spec.withMinimum()) {
                // the provider serves requests in [lo, lo + span] (lo = span = 0: none, as requests are >= 1);
                // lo + span fits the width, so (request - lo) mod 2^u wraps above span when request < lo
                int[] span = b.input(i + 1, u);
                price = b.input(i + 1, pb);
                int[] lo = b.input(i + 1, u);
                fit = b.greaterOrEqual(span, b.sub(request, lo));
            } else {
                int[] capacity = b.input(i + 1, u);
                price = b.input(i + 1, pb);
                fit = b.greaterOrEqual(capacity, request);
            }
            keys[i] = new int[pb + 1];
            System.arraycopy(price, 0, keys[i], 0, pb);
            keys[i][pb] = b.not(fit);
        }
        SinglePlacementCircuit c = new SinglePlacementCircuit(b, mode == PlacementMode.SECOND_PRICE, pb);
        Node root = c.tournament(keys, 0, k - 1);
        int served = b.not(root.min[pb]);
        int[] paid = c.price(root.min);
        if (c.secondPrice && root.second != null) {
            // the second key is unfit when no other provider could serve: then the winner's own price
            paid = b.mux(root.second[pb], c.price(root.second), paid);
        }
        // Marked from the root down: the selection bit and, in second-price, the price masked by it.
        // The root's masked price is the requester's; each leaf's is its provider's.
        int[] rootPayload = new int[c.secondPrice ? pb + 1 : 1];
        rootPayload[0] = served;
        int[] requesterPaid = b.and(paid, served);
        if (c.secondPrice) {
            System.arraycopy(requesterPaid, 0, rootPayload, 1, pb);
        }
        int[][] leaf = new int[k][];
        c.markWinner(root, rootPayload, leaf);

        OutputRouting out = new OutputRouting(b);
        int[] winBits = new int[k];
        int[][] units = new int[k][];
        int[][] prices = c.secondPrice ? new int[k][] : null;
        for (int i = 0; i < k; i++) {
            long provider = OutputRouting.party(i + 1);
            int win = leaf[i][0];
            winBits[i] = out.add(new int[] {win}, OutputRouting.party(0) | provider)[0];
            units[i] = out.add(b.and(request, win), provider);
            if (c.secondPrice) {
                prices[i] = out.add(java.util.Arrays.copyOfRange(leaf[i], 1, pb + 1), provider);
            }
        }
        int[] requesterPrice = out.add(requesterPaid, OutputRouting.party(0));
        PlacementCircuit.Layout layout = new PlacementCircuit.Layout(winBits, units, prices, requesterPrice,
                null, null, null, 0);
        return new PlacementCircuit(spec, b.build(), out.plan(), layout);
    }

    private int[] price(int[] key) {
        return java.util.Arrays.copyOf(key, priceBits);
    }

    private Node tournament(int[][] keys, int lo, int hi) {
        Node n = new Node();
        if (lo == hi) {
            n.min = keys[lo];
            n.leaf = lo;
            return n;
        }
        int mid = (lo + hi) >>> 1;
        n.left = tournament(keys, lo, mid);
        n.right = tournament(keys, mid + 1, hi);
        int[] l = n.left.min;
        int[] r = n.right.min;
        n.rightWon = b.lessThan(r, l);
        n.min = b.mux(n.rightWon, l, r);
        if (secondPrice) {
            int[] loser = b.xor(b.xor(l, r), n.min); // the other of the two: free
            if (n.left.second == null && n.right.second == null) {
                n.second = loser;
            } else {
                // the runner-up is the loser here or the runner-up in the winner's subtree
                int[] inf = b.constant(-1L, l.length);
                int[] ls = n.left.second == null ? inf : n.left.second;
                int[] rs = n.right.second == null ? inf : n.right.second;
                int[] winnersSecond = b.mux(n.rightWon, ls, rs);
                n.second = b.mux(b.lessThan(winnersSecond, loser), loser, winnersSecond);
            }
        }
        return n;
    }

    /**
     * Hands a node's payload (bit 0: "the winner is in this subtree", then data masked by it) to
     * the child that holds the winner: the left child gets {@code payload AND NOT s}, one AND per
     * bit, and the right child the rest, {@code payload XOR left}, for free.
     */
    private void markWinner(Node n, int[] payload, int[][] leaf) {
        if (n.leaf >= 0) {
            leaf[n.leaf] = payload;
            return;
        }
        int[] left = b.and(payload, b.not(n.rightWon));
        markWinner(n.left, left, leaf);
        markWinner(n.right, b.xor(payload, left), leaf);
    }
}
