// The access review over every organization the connection sees: each read
// and reviewed in Rust, one after another, with how far it is and a Stop;
// an organization that cannot be read is listed with why. The result can be
// exported with an Organization column, as can every organization's
// inventory.
import { useState } from "react";
import Badge from "@leafygreen-ui/badge";
import Button from "@leafygreen-ui/button";
import Card from "@leafygreen-ui/card";
import { Body, Description, Subtitle } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { OrgReview } from "../bindings/OrgReview";
import { ErrorBanner } from "../components/ErrorBanner";
import { ExportButtons } from "../components/ExportButtons";
import { buttons, stack } from "../layout";
import { useSession } from "../session";
import { useAction } from "../useAction";

/** What one organization's row says about how its review went. */
export function outcomeText(review: OrgReview): string {
  switch (review.outcome.status) {
    case "reviewed": {
      const count = review.outcome.findings.length;
      const findings = count === 1 ? "1 finding" : `${count} findings`;
      const partly = review.outcome.partly ? `; ${review.outcome.partly}` : "";
      return `${findings} in ${review.outcome.credentials} credentials${partly}`;
    }
    case "unreadable":
      return `not readable with this connection: ${review.outcome.reason}`;
    case "cancelled":
      return "stopped before it was read";
  }
}

/** What the run says when it ends: how many were reviewed, and whether it was stopped. */
export function reviewedSummary(reviews: OrgReview[]): string {
  const reviewed = reviews.filter((review) => review.outcome.status === "reviewed").length;
  const stopped = reviews.some((review) => review.outcome.status === "cancelled");
  return `${stopped ? "Stopped: reviewed" : "Reviewed"} ${reviewed} of ${reviews.length} organizations`;
}

export function EveryOrgReview() {
  const { session } = useSession();
  const [reviews, setReviews] = useState<OrgReview[] | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const running = useAction();
  // The inventory export is a run over every organization too: Stop ends it.
  const [exporting, setExporting] = useState(false);
  const orgCount = session?.orgs.length ?? 0;
  if (orgCount < 2) return null;
  const start = () =>
    running.run(async () => {
      setReviews(null);
      try {
        const done = await api.reviewEveryOrg((doneOrgs, total) =>
          setProgress({ done: doneOrgs, total }),
        );
        setReviews(done);
        return reviewedSummary(done);
      } finally {
        setProgress(null);
      }
    });
  return (
    <Card
      className={stack}
      data-testid="every-org"
      data-state={running.busy ? "running" : reviews ? "reviewed" : "idle"}
    >
      <Subtitle>Every organization</Subtitle>
      <Body>
        This connection sees {orgCount} organizations. Review each the same way, one after another,
        with a finding count per organization.
      </Body>
      <div className={buttons}>
        {/* One run over every organization at a time: Rust stops the one
            before when another starts, so neither is offered during the other. */}
        <Button disabled={running.busy || exporting} onClick={start} data-testid="every-org-start">
          Review Every Organization
        </Button>
        {(running.busy || exporting) && (
          <Button onClick={() => void api.stopEveryOrgRun()} data-testid="every-org-stop">
            Stop
          </Button>
        )}
        {reviews && (
          <ExportButtons
            what="rows"
            run={(format) => api.exportEveryOrgReview(reviews, format)}
            testId="export-every-org"
          />
        )}
      </div>
      <div className={buttons}>
        <Body>The inventory of every organization:</Body>
        <ExportButtons
          what="rows"
          run={async (format, onProgress) => {
            setExporting(true);
            try {
              return await api.exportEveryInventory(format, onProgress);
            } finally {
              setExporting(false);
            }
          }}
          testId="export-every-inventory"
          disabled={running.busy}
        />
      </div>
      {running.busy && (
        <Description data-testid="every-org-progress">
          {progress ? `${progress.done} of ${progress.total} organizations reviewed…` : "Starting…"}
        </Description>
      )}
      <ErrorBanner error={running.error} testId="every-org-error" />
      {reviews && (
        <ul data-testid="every-org-results">
          {reviews.map((review) => (
            <li
              key={review.orgId}
              data-testid="every-org-row"
              data-org={review.name}
              data-status={review.outcome.status}
              data-findings={
                review.outcome.status === "reviewed" ? review.outcome.findings.length : ""
              }
            >
              <strong>{review.name}</strong>: {outcomeText(review)}
              {review.outcome.status === "reviewed" && review.outcome.findings.length > 0 && (
                <ul>
                  {review.outcome.findings.map((finding) => (
                    <li key={finding.kind}>
                      <Badge
                        variant={
                          finding.severity === "high"
                            ? "red"
                            : finding.severity === "medium"
                              ? "yellow"
                              : "lightgray"
                        }
                      >
                        {finding.severity}
                      </Badge>{" "}
                      {finding.title}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
