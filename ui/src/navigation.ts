import type { GlyphName } from "@leafygreen-ui/icon";

/** The sections of the side navigation, in the order they are shown. */
export const SECTIONS = [
  { id: "organization", label: "Organization Access", glyph: "Building" },
  { id: "project", label: "Project Access", glyph: "Folder" },
  { id: "activity", label: "Activity", glyph: "ActivityFeed" },
  { id: "review", label: "Access Review", glyph: "Shield" },
  { id: "org-settings", label: "Organization Settings", glyph: "Wrench" },
  { id: "connections", label: "Connections", glyph: "Connect" },
  { id: "settings", label: "About", glyph: "InfoWithCircle" },
] as const satisfies ReadonlyArray<{ id: string; label: string; glyph: GlyphName }>;

export type SectionId = (typeof SECTIONS)[number]["id"];
