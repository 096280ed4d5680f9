package org.clicktocall.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.clicktocall.LocalDataFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The API keys callers present in {@code X-API-Key}: CRM keys ({@code CALLS_API_KEYS}) and admin keys
 * ({@code CALLS_ADMIN_API_KEYS}), comma-separated. When a kind is not configured, one key is generated on first
 * start and kept in the data folder, so a zero-configuration start is never an open one.
 *
 * <p>Only SHA-256 digests are held, and a presented key is compared with every configured digest in constant time.
 */
@Component
public class ApiKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);

    public enum Role { NONE, CRM, ADMIN }

    private final List<byte[]> crmDigests;
    private final List<byte[]> adminDigests;

    public ApiKeys(@Value("${calls.api-keys:}") String crmKeys,
                   @Value("${calls.admin-api-keys:}") String adminKeys,
                   LocalDataFolder folder) {
        this.crmDigests = digests(crmKeys, "crm-api-key", "CALLS_API_KEYS", folder);
        this.adminDigests = digests(adminKeys, "admin-api-key", "CALLS_ADMIN_API_KEYS", folder);
    }

    /** What the presented key allows: an admin key also works on CRM endpoints. */
    public Role roleOf(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Role.NONE;
        }
        byte[] digest = sha256(presented);
        boolean admin = matchesAny(digest, adminDigests);
        boolean crm = matchesAny(digest, crmDigests);
        return admin ? Role.ADMIN : crm ? Role.CRM : Role.NONE;
    }

    /** Compares against every digest without stopping early, so timing does not reveal which key nearly matched. */
    private static boolean matchesAny(byte[] digest, List<byte[]> candidates) {
        boolean match = false;
        for (byte[] candidate : candidates) {
            match |= MessageDigest.isEqual(digest, candidate);
        }
        return match;
    }

    private static List<byte[]> digests(String configured, String fileName, String setting, LocalDataFolder folder) {
        List<String> keys = new ArrayList<>(Arrays.stream(configured.split(",")).map(String::trim)
                .filter(k -> !k.isEmpty()).toList());
        for (String key : keys) {
            if (key.length() < 16) {
                throw new IllegalStateException(setting + " contains a key shorter than 16 characters; use long random"
                        + " keys (e.g. `openssl rand -hex 24`)");
            }
        }
        if (keys.isEmpty()) {
            keys.add(folder.secret(fileName, ApiKeys::newKey));
            LOG.info("{} is not set: using the generated key in {} (send it as: -H \"X-API-Key: $(cat {})\")",
                    setting, folder.resolve(fileName), folder.resolve(fileName));
        }
        return keys.stream().map(ApiKeys::sha256).toList();
    }

    static String newKey() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
