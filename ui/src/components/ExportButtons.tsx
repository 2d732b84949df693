import { useState } from "react";
import Button from "@leafygreen-ui/button";
import { css } from "@leafygreen-ui/emotion";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { ExportReport } from "../bindings/ExportReport";
import type { OnProgress } from "../api";
import { Body } from "@leafygreen-ui/typography";
import { useAction } from "../useAction";
import { ErrorBanner } from "./ErrorBanner";
import { buttons } from "../layout";

const unshrinking = css`
  flex-shrink: 0;
`;

/**
 * Export as CSV or JSON: the file is chosen in the system's save dialog and
 * written by Rust. `what` names the rows ("credentials", "events"). A run
 * that reads from Atlas first says how far it is.
 */
export function ExportButtons({
  what,
  run,
  testId,
  disabled = false,
}: {
  what: string;
  run: (format: ExportFormat, onProgress: OnProgress) => Promise<ExportReport>;
  testId: string;
  /** Another run is under way that this one would stop. */
  disabled?: boolean;
}) {
  const exporting = useAction();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const start = (format: ExportFormat) =>
    exporting.run(async () => {
      try {
        const report = await run(format, (done, total) => setProgress({ done, total }));
        if (report.stopped) return "Stopped: no file was written";
        return report.path ? `Exported ${report.rows} ${what} to ${report.path}` : undefined;
      } finally {
        setProgress(null);
      }
    });
  return (
    <div className={unshrinking} data-testid={testId} data-busy={exporting.busy}>
      <div className={buttons}>
        <Button
          size="small"
          disabled={exporting.busy || disabled}
          onClick={() => void start("csv")}
          data-testid={`${testId}-csv`}
        >
          Export CSV
        </Button>
        <Button
          size="small"
          disabled={exporting.busy || disabled}
          onClick={() => void start("json")}
          data-testid={`${testId}-json`}
        >
          Export JSON
        </Button>
      </div>
      {exporting.busy && progress && progress.total > 0 && (
        <Body data-testid={`${testId}-progress`}>
          Reading {progress.done} of {progress.total}…
        </Body>
      )}
      <ErrorBanner error={exporting.error} testId={`${testId}-error`} />
    </div>
  );
}
