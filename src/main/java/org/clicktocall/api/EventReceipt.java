package org.clicktocall.api;

/**
 * The answer to Dialpad's event delivery (POST /dialpad/events, 200).
 *
 * @param outcome applied (the call moved or was updated), duplicate (seen before), unmatched (no call of ours)
 */
public record EventReceipt(boolean received, String outcome) {
}
