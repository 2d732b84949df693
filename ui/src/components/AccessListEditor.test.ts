import { describe, expect, it } from "vitest";
import { shortIpv6 } from "./AccessListParts";

describe("access-list entries as shown", () => {
  it("shortens Atlas's eight-group IPv6 and leaves the rest alone", () => {
    expect(shortIpv6("2001:db8:abcd:0:0:0:0:0/48")).toBe("2001:db8:abcd::/48");
    expect(shortIpv6("2001:DB8:0:0:1:0:0:1/128")).toBe("2001:db8::1:0:0:1/128");
    expect(shortIpv6("0:0:0:0:0:0:0:1")).toBe("::1");
    expect(shortIpv6("2001:db8:1:2:3:4:5:6/128")).toBe("2001:db8:1:2:3:4:5:6/128");
    expect(shortIpv6("203.0.113.0/24")).toBe("203.0.113.0/24");
    expect(shortIpv6("2001:db8::/32")).toBe("2001:db8::/32");
  });
});
