import { atlasProgram } from "./src/program";

export = atlasProgram;
