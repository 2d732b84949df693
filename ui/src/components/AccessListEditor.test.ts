import { describe, expect, it } from "vitest";
import { entryName, shortIpv6 } from "./AccessListParts";

describe("access-list entries as shown", () => {
  it("shortens Atlas's eight-group IPv6 and leaves the rest alone", () => {
    expect(shortIpv6("2001:db8:abcd:0:0:0:0:0/48")).toBe("2001:db8:abcd::/48");
    expect(shortIpv6("2001:DB8:0:0:1:0:0:1/128")).toBe("2001:db8::1:0:0:1/128");
    expect(shortIpv6("0:0:0:0:0:0:0:1")).toBe("::1");
    expect(shortIpv6("2001:db8:1:2:3:4:5:6/128")).toBe("2001:db8:1:2:3:4:5:6/128");
    expect(shortIpv6("203.0.113.0/24")).toBe("203.0.113.0/24");
    expect(shortIpv6("2001:db8::/32")).toBe("2001:db8::/32");
  });

  it("names a single address by the address and a block by the block", () => {
    expect(entryName({ cidrBlock: "203.0.113.10/32", ipAddress: "203.0.113.10" })).toBe(
      "203.0.113.10",
    );
    expect(entryName({ cidrBlock: "192.0.2.0/24" })).toBe("192.0.2.0/24");
    expect(entryName({ ipAddress: "2001:db8::1" })).toBe("2001:db8::1");
  });
});
