// Going from one screen straight to a credential on another (an access
// review finding to the key it concerns): the shell keeps where to go, and
// the screen opened there reads it once, as it mounts.
import { createContext, useContext } from "react";
import type { SectionId } from "./navigation";

/** A section, and the credential or setting to open in it. */
export interface Destination {
  section: SectionId;
  keyId?: string;
  clientId?: string;
  /** Open the key's rotation rather than its details. */
  rotate?: boolean;
  /** A setting of the section to bring into view (its anchor). */
  setting?: string;
}

interface Navigation {
  /** Where the current screen was opened to go, if it was. */
  destination: Destination | null;
  go: (destination: Destination) => void;
}

export const NavigationContext = createContext<Navigation>({
  destination: null,
  go: () => {},
});

export function useNavigation(): Navigation {
  return useContext(NavigationContext);
}
