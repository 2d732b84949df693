import { useEffect, useState } from "react";
import { css } from "@leafygreen-ui/emotion";
import Badge from "@leafygreen-ui/badge";
import Banner from "@leafygreen-ui/banner";
import Card from "@leafygreen-ui/card";
import { ParagraphSkeleton } from "@leafygreen-ui/skeleton-loader";
import { Body, Description, H2, H3 } from "@leafygreen-ui/typography";
import { appInfo, asCommandError } from "../api";
import type { AppInfo } from "../bindings/AppInfo";
import type { CommandError } from "../bindings/CommandError";

const card = css`
  margin-top: 24px;
  max-width: 640px;
`;
const row = css`
  display: flex;
  align-items: center;
  gap: 12px;
  margin-top: 12px;
`;

type Loaded =
  | { state: "loading" }
  | { state: "ready"; info: AppInfo }
  | { state: "failed"; error: CommandError };

export function SettingsPage() {
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });

  useEffect(() => {
    let live = true;
    appInfo().then(
      (info) => live && setLoaded({ state: "ready", info }),
      (error: unknown) => live && setLoaded({ state: "failed", error: asCommandError(error) }),
    );
    return () => {
      live = false;
    };
  }, []);

  return (
    <>
      <H2>Settings</H2>
      <Card className={card} data-testid="about-card">
        <H3>About</H3>
        {loaded.state === "loading" && <ParagraphSkeleton data-testid="about-loading" />}
        {loaded.state === "failed" && (
          <Banner variant="danger" data-testid="about-error">
            {loaded.error.message}
          </Banner>
        )}
        {loaded.state === "ready" && <AboutDetails info={loaded.info} />}
      </Card>
    </>
  );
}

function AboutDetails({ info }: { info: AppInfo }) {
  const { keychain } = info;
  return (
    <>
      <div className={row}>
        <Body weight="medium">Version</Body>
        <Body data-testid="app-version">{info.version}</Body>
      </div>
      <div className={row}>
        <Body weight="medium">{keychain.backend}</Body>
        {keychain.reachable ? (
          <Badge variant="green" data-testid="keychain-status">
            Reachable
          </Badge>
        ) : (
          <Badge variant="red" data-testid="keychain-status">
            Unreachable
          </Badge>
        )}
      </div>
      {keychain.problem !== null && (
        <Banner variant="warning" data-testid="keychain-problem">
          {keychain.problem}
        </Banner>
      )}
      <Description>
        Private keys are kept only in the {keychain.backend}, never in a file.
      </Description>
    </>
  );
}
