// LeafyGreen's TextArea gives the <textarea> its label as a `title`, and
// WebKitGTK's native tooltip for it stays on screen when the page changes
// under a pointer left there (an Add click, say), floating over the next
// pages until something else is hovered. The label shows above the field
// already: no title, so no tooltip.
import type { ComponentProps } from "react";
import TextArea from "@leafygreen-ui/text-area";

export function AddressesTextArea(props: ComponentProps<typeof TextArea>) {
  return <TextArea {...props} title="" />;
}
