// Imported first by index.ts: the program refuses an unsupported Node before loading anything else.
import { refuseUnsupportedNode } from "../policy-pack/src/contract";

refuseUnsupportedNode("The Atlas program", __dirname);
