// The only place that calls `invoke`: one typed wrapper per Rust command.
// Components import these, never `@tauri-apps/api/core` itself.
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { CommandError } from "./bindings/CommandError";

/** Version of the app and whether the OS keychain answers. */
export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>("app_info");
}

/** Narrows whatever a rejected `invoke` gave to the app's error shape. */
export function asCommandError(error: unknown): CommandError {
  if (
    typeof error === "object" &&
    error !== null &&
    "kind" in error &&
    "message" in error &&
    typeof (error as { message: unknown }).message === "string"
  ) {
    return error as CommandError;
  }
  return { kind: "internal", message: String(error) };
}
