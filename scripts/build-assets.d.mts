export declare const ROOT: string;
export declare const GENERATED_ASSETS_DIR: string;
export declare function scoringJs(): Promise<string>;
export declare function buildAssets(dir?: string): Promise<void>;
