// Runs before React loads (first of the setup files), so the render counter
// sees every commit.
import { installRenderCounter } from "./renders";

installRenderCounter();
