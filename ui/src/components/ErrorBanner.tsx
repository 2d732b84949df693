import Banner from "@leafygreen-ui/banner";
import { Body } from "@leafygreen-ui/typography";
import type { CommandError } from "../bindings/CommandError";

/** An error in words a person understands, with Atlas's own code when there is one. */
export function ErrorBanner({
  error,
  testId = "error",
}: {
  error: CommandError | null;
  testId?: string;
}) {
  if (!error) return null;
  return (
    <Banner variant={error.kind === "lockout" ? "warning" : "danger"} data-testid={testId}>
      <Body data-testid={`${testId}-message`}>{error.message}</Body>
      {error.atlasErrorCode && (
        <Body>
          Atlas error code: <code data-testid={`${testId}-code`}>{error.atlasErrorCode}</code>
        </Body>
      )}
    </Banner>
  );
}
