package org.clicktocall.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void idsAreRandomVersion4UuidsNeverRepeatedAcrossThreads() {
        Set<UUID> seen = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 20_000).parallel().forEach(i -> {
            UUID id = Ids.randomUuid();
            assertThat(id.version()).isEqualTo(4);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(UUID.fromString(id.toString())).isEqualTo(id);
            seen.add(id);
        });
        assertThat(seen).hasSize(20_000);
        // every random bit varies: no byte of the generator's output is lost or fixed by the packing
        long highOr = 0;
        long lowOr = 0;
        long highAnd = -1;
        long lowAnd = -1;
        for (UUID id : seen) {
            highOr |= id.getMostSignificantBits();
            lowOr |= id.getLeastSignificantBits();
            highAnd &= id.getMostSignificantBits();
            lowAnd &= id.getLeastSignificantBits();
        }
        assertThat(highOr).isEqualTo(0xffff_ffff_ffff_4fffL);
        assertThat(highAnd).isEqualTo(0x0000_0000_0000_4000L);
        assertThat(lowOr).isEqualTo(0xbfff_ffff_ffff_ffffL);
        assertThat(lowAnd).isEqualTo(0x8000_0000_0000_0000L);
    }
}
