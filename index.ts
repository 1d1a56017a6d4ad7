import "./src/supported-node";
import { atlasProgram } from "./src/program";

export = atlasProgram;
