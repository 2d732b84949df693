import React from "react";
import ReactDOM from "react-dom/client";
import LeafyGreenProvider from "@leafygreen-ui/leafygreen-provider";
import App from "./App";
import "./styles.css";

const root = document.getElementById("root");
if (root === null) {
  throw new Error("index.html has no #root element");
}

ReactDOM.createRoot(root).render(
  <React.StrictMode>
    <LeafyGreenProvider baseFontSize={14}>
      <App />
    </LeafyGreenProvider>
  </React.StrictMode>,
);
