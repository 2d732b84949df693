import { useEffect, useRef } from "react";
import Button from "@leafygreen-ui/button";
import { css } from "@leafygreen-ui/emotion";
import { colour } from "../theme";
import { Body, Description } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { ActivityFilter } from "../bindings/ActivityFilter";
import { sentenceWithTime, useActivity, useNames } from "../activity";
import { useNow } from "../serviceAccounts";
import { ErrorBanner } from "./ErrorBanner";
import { ExportButtons } from "./ExportButtons";
import { stack } from "../layout";

const list = css`
  list-style: none;
  margin: 0;
  padding: 0;
`;
const row = css`
  padding: 10px 4px;
  border-bottom: 1px solid ${colour("border")};
`;

/**
 * The events that pass `filter`, newest first, as sentences. The next
 * Atlas page is read when the end of the list scrolls into view (or on
 * "Load more"), so a long history costs nothing until it is looked at.
 */
export function ActivityFeed({
  orgId,
  filter,
  testId,
}: {
  orgId: string;
  filter: ActivityFilter;
  testId: string;
}) {
  const names = useNames(orgId);
  const now = useNow();
  const activity = useActivity(orgId, filter);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = activity;
  const pages = activity.data?.pages.length ?? 0;
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const sentinel = end.current;
    if (!sentinel || !hasNextPage) return;
    const observer = new IntersectionObserver((seen) => {
      if (seen.some((entry) => entry.isIntersecting) && !isFetchingNextPage) {
        void fetchNextPage();
      }
    });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const state = activity.isPending ? "reading" : hasNextPage ? "more" : "complete";
  return (
    <div
      className={stack}
      data-testid={testId}
      data-state={state}
      data-count={activity.events.length}
      data-read={activity.read}
      data-pages={pages}
    >
      <ErrorBanner
        error={activity.error ? api.asCommandError(activity.error) : null}
        testId={`${testId}-error`}
      />
      {activity.isPending && <Body>Reading the organization&apos;s events…</Body>}
      {!activity.isPending && activity.events.length === 0 && !hasNextPage && (
        <Body data-testid={`${testId}-empty`}>No events match.</Body>
      )}
      <ol className={list}>
        {activity.events.map((event) => (
          <li
            key={event.id}
            className={row}
            data-testid="activity-row"
            data-event-type={event.eventType}
            title={event.created}
          >
            {sentenceWithTime(event, names, now)}
          </li>
        ))}
      </ol>
      <div ref={end} />
      {hasNextPage && (
        <div>
          <Button
            onClick={() => void fetchNextPage()}
            disabled={isFetchingNextPage}
            data-testid={`${testId}-more`}
          >
            {isFetchingNextPage ? "Reading…" : "Load more"}
          </Button>
        </div>
      )}
      {!activity.isPending && (
        <ExportButtons
          what="events"
          run={(format) => api.exportActivity(orgId, filter, pages, format)}
          testId={`${testId}-export`}
        />
      )}
      {!activity.isPending && (
        <Description>
          {activity.read.toLocaleString()} events read from Atlas
          {hasNextPage ? "; older ones are read as you scroll." : "."}
        </Description>
      )}
    </div>
  );
}
