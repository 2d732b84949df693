import Button from "@leafygreen-ui/button";
import { css } from "@leafygreen-ui/emotion";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { ExportReport } from "../bindings/ExportReport";
import { useAction } from "../useAction";
import { ErrorBanner } from "./ErrorBanner";
import { buttons } from "../layout";

const unshrinking = css`
  flex-shrink: 0;
`;

/**
 * Export as CSV or JSON: the file is chosen in the system's save dialog and
 * written by Rust. `what` names the rows ("credentials", "events").
 */
export function ExportButtons({
  what,
  run,
  testId,
}: {
  what: string;
  run: (format: ExportFormat) => Promise<ExportReport>;
  testId: string;
}) {
  const exporting = useAction();
  const start = (format: ExportFormat) =>
    exporting.run(async () => {
      const report = await run(format);
      return report.path ? `Exported ${report.rows} ${what} to ${report.path}` : undefined;
    });
  return (
    <div className={unshrinking} data-testid={testId} data-busy={exporting.busy}>
      <div className={buttons}>
        <Button
          size="small"
          disabled={exporting.busy}
          onClick={() => void start("csv")}
          data-testid={`${testId}-csv`}
        >
          Export CSV
        </Button>
        <Button
          size="small"
          disabled={exporting.busy}
          onClick={() => void start("json")}
          data-testid={`${testId}-json`}
        >
          Export JSON
        </Button>
      </div>
      <ErrorBanner error={exporting.error} testId={`${testId}-error`} />
    </div>
  );
}
