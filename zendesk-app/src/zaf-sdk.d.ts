// The SDK ships no types; this covers the calls the app makes (lib/client.js, 2.0.11).
declare module 'zendesk_app_framework_sdk' {
  export interface RawZafClient {
    get(path: string | string[]): Promise<Record<string, unknown>>;
    set(key: string, value: unknown): Promise<Record<string, unknown>>;
    invoke(name: string, ...args: unknown[]): Promise<unknown>;
    on(name: string, handler: (data: unknown) => unknown): void;
    metadata(): Promise<unknown>;
    context(): Promise<unknown>;
    request(options: Record<string, unknown>): Promise<unknown>;
  }
  const ZAFClient: { init(callback?: (context: unknown) => void): RawZafClient | false };
  export default ZAFClient;
}
