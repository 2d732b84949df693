// Light or dark: the choice kept in Rust (System, Light, Dark), the desktop's
// own preference for System, LeafyGreen's `darkMode` for its components, and
// the app's own few colours as CSS variables, all from here.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import LeafyGreenProvider from "@leafygreen-ui/leafygreen-provider";
import { palette } from "@leafygreen-ui/palette";
import { appearance as readAppearance, setAppearance as keepAppearance } from "./api";
import type { Appearance } from "./bindings/Appearance";

/** The app's own colours (LeafyGreen's components colour themselves). */
const colours = {
  light: {
    page: palette.gray.light3,
    text: palette.black,
    surface: palette.white,
    subtle: palette.gray.light3,
    border: palette.gray.light2,
    "border-strong": palette.gray.base,
    selected: palette.green.light3,
    link: palette.blue.base,
    focus: palette.blue.light1,
    danger: palette.red.base,
    warning: palette.yellow.dark2,
    success: palette.green.dark2,
  },
  dark: {
    page: palette.black,
    text: palette.gray.light2,
    surface: palette.gray.dark4,
    subtle: palette.gray.dark3,
    border: palette.gray.dark2,
    "border-strong": palette.gray.base,
    selected: palette.green.dark3,
    link: palette.blue.light1,
    focus: palette.blue.light1,
    danger: palette.red.light1,
    warning: palette.yellow.base,
    success: palette.green.base,
  },
} as const;

export type ColourName = keyof (typeof colours)["light"];

/** A colour of the app's own, as CSS: follows light and dark. */
export const colour = (name: ColourName) => `var(--aam-${name})`;

const DARK_QUERY = "(prefers-color-scheme: dark)";

/** Whether the desktop asks for dark windows, kept up to date. */
function useDesktopPrefersDark(): boolean {
  const query = useMemo(() => window.matchMedia?.(DARK_QUERY), []);
  const [dark, setDark] = useState(() => query?.matches ?? false);
  useEffect(() => {
    if (query === undefined) return;
    const changed = (event: MediaQueryListEvent) => setDark(event.matches);
    query.addEventListener("change", changed);
    return () => query.removeEventListener("change", changed);
  }, [query]);
  return dark;
}

export function isDark(appearance: Appearance, desktopPrefersDark: boolean): boolean {
  return appearance === "dark" || (appearance === "system" && desktopPrefersDark);
}

type Theme = {
  appearance: Appearance;
  dark: boolean;
  /** Keeps the choice in Rust, which gives it to the window too. */
  choose: (appearance: Appearance) => Promise<void>;
};

const ThemeContext = createContext<Theme>({
  appearance: "system",
  dark: false,
  choose: async () => {},
});

export const useTheme = () => useContext(ThemeContext);

export function ThemeProvider({ children }: { children: ReactNode }) {
  const desktopPrefersDark = useDesktopPrefersDark();
  const [appearance, setAppearance] = useState<Appearance>("system");
  useEffect(() => {
    readAppearance().then(setAppearance, () => {
      // Unreadable settings: the desktop's preference, as before any choice.
    });
  }, []);
  const choose = useCallback(async (next: Appearance) => {
    setAppearance(await keepAppearance(next));
  }, []);
  const dark = isDark(appearance, desktopPrefersDark);

  useEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = dark ? "dark" : "light";
    root.style.colorScheme = dark ? "dark" : "light";
    for (const [name, value] of Object.entries(dark ? colours.dark : colours.light)) {
      root.style.setProperty(`--aam-${name}`, value);
    }
  }, [dark]);

  const theme = useMemo(() => ({ appearance, dark, choose }), [appearance, dark, choose]);
  return (
    <ThemeContext.Provider value={theme}>
      <LeafyGreenProvider baseFontSize={14} darkMode={dark}>
        {children}
      </LeafyGreenProvider>
    </ThemeContext.Provider>
  );
}
