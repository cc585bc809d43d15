package io.storycast.gateway.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Redis Cluster's hash slots, as Redis computes them: CRC16 (XMODEM) of the key modulo 16384. Used to name
 * a key of a given slot, e.g. to ask a cluster about that slot.
 *
 * <p>How a key of any slot is made at once: with no initial value and no final XOR, appending two bytes
 * {@code b} to a message whose CRC is {@code c} gives the CRC that the two-byte message {@code c ^ b} has on
 * its own, and two-byte messages have all 65536 CRCs, each once (the map is linear and invertible). So
 * {@code b = c ^ m}, where {@code m} is the two-byte message whose CRC is the slot.
 */
final class HashSlots {
    private static final byte[] PROBE_PREFIX = "storycast-slot-probe-".getBytes(StandardCharsets.US_ASCII);
    private static final int[] CRC16_TABLE = crc16Table();
    private static final int PROBE_PREFIX_CRC = crc16(PROBE_PREFIX);
    /** For each bit {@code i}: the two-byte message whose CRC is {@code 1 << i}. */
    private static final int[] UNIT_CRC_MESSAGES = unitCrcMessages();

    private HashSlots() {
    }

    /**
     * @param slot a hash slot, 0 to 16383
     * @return a key of that slot: {@code storycast-slot-probe-} and two bytes, which may be any bytes; no
     *         hash tag (a brace among the two last bytes closes none)
     */
    static byte[] keyIn(int slot) {
        if (slot < 0 || slot >= EmbeddedRedisCluster.SLOTS) {
            throw new IllegalArgumentException("a hash slot is 0 to 16383, was " + slot);
        }
        int message = 0;
        for (int bit = 0; bit < 16; bit++) {
            if ((slot & (1 << bit)) != 0) {
                message ^= UNIT_CRC_MESSAGES[bit];
            }
        }
        int suffix = PROBE_PREFIX_CRC ^ message;
        byte[] key = Arrays.copyOf(PROBE_PREFIX, PROBE_PREFIX.length + 2);
        key[key.length - 2] = (byte) (suffix >>> 8);
        key[key.length - 1] = (byte) suffix;
        return key;
    }

    /** CRC16/XMODEM (polynomial 0x1021, initial value 0, no final XOR), as in Redis's crc16.c. */
    private static int crc16(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc = ((crc << 8) ^ CRC16_TABLE[((crc >>> 8) ^ b) & 0xff]) & 0xffff;
        }
        return crc;
    }

    private static int[] crc16Table() {
        int[] table = new int[256];
        for (int value = 0; value < 256; value++) {
            int crc = value << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            table[value] = crc & 0xffff;
        }
        return table;
    }

    private static int[] unitCrcMessages() {
        int[] messages = new int[16];
        for (int message = 0; message < 0x10000; message++) {
            int crc = crc16(new byte[] {(byte) (message >>> 8), (byte) message});
            if (Integer.bitCount(crc) == 1) {
                messages[Integer.numberOfTrailingZeros(crc)] = message;
            }
        }
        return messages;
    }
}
