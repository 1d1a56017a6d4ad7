// Imported first by index.ts: the pack refuses an unsupported Node before loading anything else (its package.json's engines).
import { refuseUnsupportedNode } from "../../../policy-pack/src/contract/node-support";

refuseUnsupportedNode("The atlas-bootstrap policy pack", __dirname);
