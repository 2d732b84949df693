// Small pieces the service-account screens share.
import { css } from "@leafygreen-ui/emotion";
import { colour } from "../theme";
import { Body } from "@leafygreen-ui/typography";
import type { ExpiryTone } from "../serviceAccounts";

/** A secret's expiry: plain, in the warning colour under 7 days, red once expired. */
export const toneStyle: Record<ExpiryTone, string> = {
  ok: css``,
  soon: css`
    color: ${colour("warning")};
    font-weight: 600;
  `,
  expired: css`
    color: ${colour("danger")};
    font-weight: 600;
  `,
};

/** The client id beside a one-time secret: not secret, free to select and copy. */
export function ClientIdLine({ name, clientId }: { name: string; clientId: string }) {
  return (
    <Body>
      {name} · Client ID <code data-testid="one-time-client-id">{clientId}</code>
    </Body>
  );
}
