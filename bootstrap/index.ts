import "../src/supported-node";
import { bootstrapProgram } from "./src/program";

export = bootstrapProgram;
