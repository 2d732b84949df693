import { type ReactNode, useEffect, useMemo, useState } from "react";
import { useIsFetching } from "@tanstack/react-query";
import { css } from "@leafygreen-ui/emotion";
import { SideNav, SideNavItem } from "@leafygreen-ui/side-nav";
import Icon from "@leafygreen-ui/icon";
import { ToastProvider } from "@leafygreen-ui/toast";
import { Header } from "./Header";
import { SessionProvider, useSession } from "./session";
import { SECTIONS, type SectionId } from "./navigation";
import { type Destination, NavigationContext } from "./navigate";
import { useStanding } from "./standing";
import { AccessReviewPage } from "./pages/AccessReviewPage";
import { ActivityPage } from "./pages/ActivityPage";
import { ConnectionsPage } from "./pages/ConnectionsPage";
import { OrganizationAccessPage } from "./pages/OrganizationAccessPage";
import { ProjectAccessPage } from "./pages/ProjectAccessPage";
import { OrganizationSettingsPage } from "./pages/OrganizationSettingsPage";
import { SettingsPage } from "./pages/SettingsPage";

const shell = css`
  display: grid;
  grid-template-columns: auto 1fr;
  grid-template-rows: 56px 1fr;
  grid-template-areas:
    "nav header"
    "nav main";
  height: 100vh;
`;
const navArea = css`
  grid-area: nav;
  position: relative;
`;
// The side nav lays its items out absolutely, so it must be given its height.
const fullHeight = css`
  height: 100%;
`;
const mainArea = css`
  grid-area: main;
  overflow: auto;
  padding: 24px 32px;
  /* Room under the last button of a page for a toast, which would hide it. */
  padding-bottom: 120px;
`;

function Page({ section }: { section: SectionId }) {
  switch (section) {
    case "organization":
      return <OrganizationAccessPage />;
    case "project":
      return <ProjectAccessPage />;
    case "activity":
      return <ActivityPage />;
    case "review":
      return <AccessReviewPage />;
    case "org-settings":
      return <OrganizationSettingsPage />;
    case "connections":
      return <ConnectionsPage />;
    case "settings":
      return <SettingsPage />;
  }
}

export default function App() {
  return (
    <ToastProvider>
      <SessionProvider>
        <Shell />
      </SessionProvider>
    </ToastProvider>
  );
}

function Shell() {
  const [section, setSection] = useState<SectionId>("organization");
  // Where a link from another screen asked to go; each visit remounts the
  // page, so it opens there even when it was showing already.
  const [destination, setDestination] = useState<Destination | null>(null);
  const [visit, setVisit] = useState(0);
  const navigation = useMemo(
    () => ({
      destination,
      go: (next: Destination) => {
        setDestination(next);
        setSection(next.section);
        setVisit((count) => count + 1);
      },
    }),
    [destination],
  );
  const { closedReason, session } = useSession();
  // A connection closed under the page: Connections says why and what next.
  useEffect(() => {
    if (closedReason) setSection("connections");
  }, [closedReason]);
  // A connection that reaches the organization through projects alone
  // opens on Project Access.
  const projectScoped = useStanding()?.projectScoped === true;
  const connectedAs = session?.keyInUseId;
  useEffect(() => {
    if (connectedAs && projectScoped) setSection("project");
  }, [connectedAs, projectScoped]);
  return (
    <div className={shell} data-testid="app-shell">
      <div className={navArea}>
        <SideNav
          aria-label="Atlas Access Manager"
          widthOverride={220}
          className={fullHeight}
          data-testid="side-nav"
        >
          {SECTIONS.map((item) => (
            <SideNavItem
              key={item.id}
              active={item.id === section}
              glyph={<Icon glyph={item.glyph} />}
              onClick={() => {
                setDestination(null);
                setSection(item.id);
              }}
              data-testid={`nav-${item.id}`}
            >
              {item.label}
            </SideNavItem>
          ))}
        </SideNav>
      </div>
      <Header />
      <PageRegion section={section}>
        <NavigationContext.Provider value={navigation}>
          <Page key={visit} section={section} />
        </NavigationContext.Provider>
      </PageRegion>
    </div>
  );
}

/** The page's region, busy while anything it shows is being read from Atlas
 * (for screen readers, and for tests that wait for a screen to be whole).
 * Its own component, so the page itself does not re-render as reads start
 * and end. */
function PageRegion({ section, children }: { section: SectionId; children: ReactNode }) {
  const reading = useIsFetching() > 0;
  return (
    <main className={mainArea} data-testid={`page-${section}`} aria-busy={reading}>
      {children}
    </main>
  );
}
