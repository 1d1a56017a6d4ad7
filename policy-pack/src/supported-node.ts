// Imported first by index.ts: the pack refuses an unsupported Node before loading anything else.
import { refuseUnsupportedNode } from "./contract/node-support";

refuseUnsupportedNode("The atlas-release policy pack", __dirname);
