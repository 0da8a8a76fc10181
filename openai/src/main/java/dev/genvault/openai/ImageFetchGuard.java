package dev.genvault.openai;

import dev.genvault.ErrorType;
import dev.genvault.ProviderException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import okhttp3.Dns;
import okhttp3.HttpUrl;

/**
 * Decides which image URLs returned by a provider may be fetched. By default only {@code https}
 * URLs whose host resolves to public addresses: loopback, private, link-local (cloud metadata),
 * carrier-grade NAT, unique-local, multicast, unspecified, documentation and reserved ranges are
 * refused, IPv4 embedded in IPv6 included. Names are checked after resolution, in the {@link Dns}
 * the download connects with, so the checked address is the one connected to; address literals,
 * which OkHttp does not resolve, are checked by {@link #check}. Allowed hosts skip every check.
 */
final class ImageFetchGuard implements Dns {
  private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /** IPv4 ranges that are not public: {address, prefix length}. */
  private static final int[][] REFUSED_V4 = {
    {0x00000000, 8}, // "this" network, 0.0.0.0
    {0x0A000000, 8}, // private
    {0x64400000, 10}, // carrier-grade NAT (and Alibaba's metadata, 100.100.100.200)
    {0x7F000000, 8}, // loopback
    {0xA9FE0000, 16}, // link-local (cloud metadata, 169.254.169.254)
    {0xAC100000, 12}, // private
    {0xC0000000, 24}, // IETF protocol assignments (Oracle's metadata, 192.0.0.192)
    {0xC0000200, 24}, // documentation
    {0xC0586300, 24}, // 6to4 relay anycast
    {0xC0A80000, 16}, // private
    {0xC6120000, 15}, // benchmarking
    {0xC6336400, 24}, // documentation
    {0xCB007100, 24}, // documentation
    {0xE0000000, 4}, // multicast
    {0xF0000000, 4}, // reserved, broadcast
  };

  /** A name that resolves only to addresses that are refused. */
  static final class RefusedAddressException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    RefusedAddressException(String message) {
      super(message);
    }
  }

  private final Dns dns;
  private final Set<String> allowedHosts;

  ImageFetchGuard(Dns dns, Set<String> allowedHosts) {
    this.dns = dns;
    this.allowedHosts =
        allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
  }

  private boolean allowed(String host) {
    return allowedHosts.contains(host.toLowerCase(Locale.ROOT));
  }

  /** Refuses a URL by its scheme or its address literal, before anything is sent. */
  void check(HttpUrl url) {
    if (allowed(url.host())) {
      return;
    }
    if (!url.isHttps()) {
      throw refused(url, "only https image URLs are fetched");
    }
    String host = url.host();
    if (host.indexOf(':') >= 0 || IPV4_LITERAL.matcher(host).matches()) {
      InetAddress literal;
      try {
        literal = InetAddress.getByName(host); // a literal: nothing is looked up
      } catch (UnknownHostException e) {
        throw refused(url, host + " is not a usable address");
      }
      if (!isPublic(literal)) {
        throw refused(url, host + " is not a public address");
      }
    }
  }

  /** The failure for a refused URL: an invalid response, saying how to allow it. */
  static ProviderException refused(HttpUrl url, String why) {
    return new ProviderException(
        ErrorType.INVALID_RESPONSE,
        "refused to fetch the image at "
            + url.newBuilder().query(null).build()
            + ": "
            + why
            + " (a server of your own can be allowed with allowImageHosts(\""
            + url.host()
            + "\"))");
  }

  @Override
  public List<InetAddress> lookup(String hostname) throws UnknownHostException {
    List<InetAddress> all = dns.lookup(hostname);
    if (allowed(hostname)) {
      return all;
    }
    List<InetAddress> open = all.stream().filter(ImageFetchGuard::isPublic).toList();
    if (open.isEmpty()) {
      throw new RefusedAddressException(
          hostname
              + " resolves to "
              + all.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "))
              + ", not a public address");
    }
    return open;
  }

  /** Whether an address is a public unicast address that an image may be fetched from. */
  static boolean isPublic(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return isPublicV4(v4(b, 0));
    }
    if (zeros(b, 0, 12)) {
      return false; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
    }
    if (zeros(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return isPublicV4(v4(b, 12)); // IPv4-mapped
    }
    int first = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    int second = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    if (first == 0x0064 && second == 0xff9b && zeros(b, 4, 8)) {
      return isPublicV4(v4(b, 12)); // NAT64, 64:ff9b::/96
    }
    if (first == 0x2002) {
      return isPublicV4(v4(b, 2)); // 6to4
    }
    if (first == 0x2001 && (second == 0x0db8 || second == 0x0000)) {
      return false; // documentation, Teredo
    }
    return (b[0] & 0xe0) == 0x20; // global unicast 2000::/3 only (no ULA, link-local, multicast)
  }

  private static boolean isPublicV4(int address) {
    for (int[] range : REFUSED_V4) {
      int mask = -1 << (32 - range[1]);
      if ((address & mask) == range[0]) {
        return false;
      }
    }
    return true;
  }

  private static int v4(byte[] b, int at) {
    return ((b[at] & 0xff) << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }

  /** Whether {@code length} bytes from {@code from} are all zero. */
  private static boolean zeros(byte[] b, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
