// What the open connection may do in the organization shown, as core worked
// it out from the roles Atlas answered (Standing). Screens offer only what
// Atlas would do, and say which role the rest needs.
import Banner from "@leafygreen-ui/banner";
import type { Standing } from "./bindings/Standing";
import { type Reach, reachOf } from "./queries";
import { useSession } from "./session";

/** The connection's standing in the organization shown; null before one opens. */
export function useStanding(): Standing | null {
  const { session, orgId } = useSession();
  return session?.standings.find((standing) => standing.orgId === orgId) ?? null;
}

/** What the connection may read in the organization shown: part of every Atlas read's cache key. */
export function useReach(): Reach {
  return reachOf(useStanding());
}

/** True when the connection may change the organization's access (Organization Owner). */
export function useManagesOrg(): boolean {
  return useStanding()?.managesOrg === true;
}

/**
 * True when the connection may manage the project's keys and accounts: an
 * Organization Owner, or a Project Owner of this project.
 */
export function useOwnsProject(projectId: string): boolean {
  const standing = useStanding();
  return standing !== null && (standing.managesOrg || standing.ownedProjects.includes(projectId));
}

/** Says, once per page, what the connection's role lets it do here and what changes need. */
export function StandingNotice({ testId }: { testId: string }) {
  const standing = useStanding();
  if (!standing || standing.managesOrg) return null;
  return (
    <Banner variant="info" data-testid={testId}>
      This connection is <strong data-testid={`${testId}-role`}>{standing.role}</strong> in this
      organization: it can read what its role allows but change nothing here. Changes need
      Organization Owner.
    </Banner>
  );
}

/** What a key's access list cell says when the list could not be read. */
export function unreadableListText(standing: Standing | null): string {
  return standing && !standing.readsKeyAccessLists
    ? "cannot be read with this connection's role (Organization Owner needed)"
    : "unreadable";
}
