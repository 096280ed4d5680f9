package org.clicktocall.support;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Random (version 4) UUIDs for calls and tokens, as {@link UUID#randomUUID()} makes them but from a generator per
 * thread: randomUUID shares one NativePRNG, which reads the kernel's random device under a lock on every call
 * (1.3 % of a click's request-thread CPU in the profile). Each thread's DRBG seeds itself from the system once.
 */
public final class Ids {

    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Ids::drbg);

    private Ids() {
    }

    public static UUID randomUuid() {
        byte[] bytes = new byte[16];
        RANDOM.get().nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);   // version 4
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);   // IETF variant
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (bytes[i] & 0xff);
            low = (low << 8) | (bytes[i + 8] & 0xff);
        }
        return new UUID(high, low);
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
