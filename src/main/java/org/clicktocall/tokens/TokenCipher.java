package org.clicktocall.tokens;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.clicktocall.LocalDataFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Encrypts reps' Dialpad tokens at rest with AES-256-GCM.
 *
 * <p>Stored form: {@code <key id>:<base64(12-byte nonce | ciphertext+tag)>}. A fresh nonce per value; the key id
 * says which key to decrypt with, so an older key ({@code TOKEN_ENCRYPTION_KEY_PREVIOUS}) keeps working during
 * rotation. The rep id and column name are bound as associated data: a ciphertext copied to another rep's row,
 * or from the refresh column to the access column, fails to decrypt.
 */
@Component("tokenCipher")
public class TokenCipher {

    /**
     * One AES-GCM cipher per thread, initialised afresh (key and nonce) for every use: looking the algorithm up in
     * the security providers on every decryption cost more than the decryption (one per click).
     */
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available", e);
        }
    });

    private static final Logger LOG = LoggerFactory.getLogger(TokenCipher.class);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final String currentKeyId;

    public TokenCipher(@Value("${tokens.encryption-key:}") String encryptionKey,
                       @Value("${tokens.previous-encryption-key:}") String previousKey,
                       LocalDataFolder folder) {
        String current = encryptionKey;
        if (current == null || current.isBlank()) {
            current = folder.secret("token-encryption.key", TokenCipher::newKey);
            LOG.warn("TOKEN_ENCRYPTION_KEY is not set: using the key kept in {}. Instances sharing a database"
                    + " must share one key: set TOKEN_ENCRYPTION_KEY on all of them.", folder.resolve("token-encryption.key"));
        }
        this.currentKeyId = add(current, "TOKEN_ENCRYPTION_KEY");
        if (previousKey != null && !previousKey.isBlank()) {
            add(previousKey, "TOKEN_ENCRYPTION_KEY_PREVIOUS");
        }
    }

    /** A new random key in the form TOKEN_ENCRYPTION_KEY takes (base64 of 32 bytes). */
    public static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    public String encrypt(String repId, String column, String plaintext) {
        if (plaintext == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = GCM.get();
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(repId, column));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return currentKeyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Token encryption failed", e);
        }
    }

    public String decrypt(String repId, String column, String stored) {
        if (stored == null) {
            return null;
        }
        int colon = stored.indexOf(':');
        SecretKeySpec key = colon > 0 ? keys.get(stored.substring(0, colon)) : null;
        if (key == null) {
            throw new TokenDecryptionException("the token was encrypted with a key this instance does not have");
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(colon + 1));
            Cipher cipher = GCM.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(repId, column));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new TokenDecryptionException("the stored token does not decrypt for this rep");
        }
    }

    /** The same value encrypted with the current key (rotation). */
    public String reencrypt(String repId, String column, String stored) {
        return stored == null || isCurrent(stored) ? stored : encrypt(repId, column, decrypt(repId, column, stored));
    }

    /** SQL LIKE pattern matching values encrypted with the current key. */
    public String currentKeyPattern() {
        return currentKeyId + ":%";
    }

    /** True when {@code stored} was encrypted with the current key (rotation re-encrypts the others). */
    public boolean isCurrent(String stored) {
        return stored == null || stored.startsWith(currentKeyId + ":");
    }

    private String add(String base64Key, String setting) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " must be base64 (e.g. from `openssl rand -base64 32`)");
        }
        if (key.length != 32) {
            throw new IllegalStateException(setting + " must decode to 32 bytes for AES-256; it decodes to " + key.length);
        }
        String id = keyId(key);
        keys.put(id, new SecretKeySpec(key, "AES"));
        return id;
    }

    /** A short public fingerprint of a key: names it in stored values without revealing it. */
    private static String keyId(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return "k" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] associatedData(String repId, String column) {
        return ("dialpad_tokens|" + repId + "|" + column).getBytes(StandardCharsets.UTF_8);
    }

    /** A stored token cannot be read: wrong key, tampered, or copied from another row. Never carries the token. */
    public static class TokenDecryptionException extends RuntimeException {
        public TokenDecryptionException(String message) {
            super(message, null, false, false);
        }
    }
}
