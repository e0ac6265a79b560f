package dev.livemigrate.rest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The addresses a link-token may be used from: IPv4 and IPv6 addresses and CIDR blocks. Each entry is parsed as an
 * IP literal, never looked up in DNS: IPv4 as exactly four decimal octets of 0 to 255, IPv6 by the JDK's literal
 * parser (a text with a colon; zone ids such as {@code %eth0} refused), and an optional {@code /prefix} of 0 to 32
 * (IPv4) or 0 to 128 (IPv6). A bare address is a block of one ({@code /32} or {@code /128}). Refused, with the
 * reason: anything else, a block with host bits set ({@code 10.0.0.1/24}: write {@code 10.0.0.0/24}), and a
 * {@code /0} ({@code 0.0.0.0/0}, {@code ::/0}), which would let every address of the internet in.
 */
record AccessList(List<Block> blocks) {

    /** One block: its network address and prefix length. */
    record Block(InetAddress network, int prefix) {

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            byte[] n = network.getAddress();
            if (a.length != n.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((a[bit / 8] & mask) != (n[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        /** {@code 10.0.0.0/24}, {@code 2001:db8:0:0:0:0:0:0/32}: the canonical form stored and shown. */
        @Override
        public String toString() {
            return network.getHostAddress() + "/" + prefix;
        }
    }

    AccessList {
        blocks = List.copyOf(blocks);
    }

    /** Whether the address is in one of the blocks. */
    boolean allows(InetAddress address) {
        return blocks.stream().anyMatch(b -> b.contains(address));
    }

    List<String> entries() {
        return blocks.stream().map(Block::toString).toList();
    }

    /**
     * One entry of an access list.
     *
     * @throws IllegalArgumentException saying why the entry is not an address or a block this server accepts
     */
    static Block parse(String entry) {
        String text = entry.strip();
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        InetAddress address = literal(host);
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("the prefix length '" + p + "' is not a number from 0 to " + bits);
            }
            prefix = Integer.parseInt(p);
            if (prefix > bits) {
                throw new IllegalArgumentException("the prefix length " + prefix + " is over " + bits + ", the most an "
                        + (bits == 32 ? "IPv4" : "IPv6") + " block can have");
            }
        }
        if (prefix == 0) {
            throw new IllegalArgumentException("a /0 block lets every address in: list the addresses or blocks the"
                    + " migration host calls from");
        }
        Block block = new Block(network(address, prefix), prefix);
        if (!block.network().equals(address)) {
            throw new IllegalArgumentException("host bits are set after the /" + prefix + ": write " + block + " for the block,"
                    + " or the address alone");
        }
        return block;
    }

    private static InetAddress literal(String host) {
        try {
            if (host.indexOf(':') >= 0) {
                if (!host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    throw new IllegalArgumentException("not an IPv6 address (hexadecimal groups and colons, no brackets"
                            + " or zone id)");
                }
                // only hex digits, colons and dots: the JDK parses it as a literal and never asks DNS
                return InetAddress.getByName(host);
            }
            return InetAddress.getByAddress(ipv4(host));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address");
        }
    }

    private static byte[] ipv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) {
                throw new IllegalArgumentException("not an IPv4 address: each of its four parts is a number from 0 to 255,"
                        + " without leading zeros");
            }
            bytes[i] = (byte) Integer.parseInt(part);
        }
        return bytes;
    }

    private static InetAddress network(InetAddress address, int prefix) {
        byte[] bytes = address.getAddress();
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
