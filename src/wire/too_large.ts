/** Something a peer sent passed one of the configured size limits (`limits:` in plexus.yaml). */
export class TooLargeError extends Error {
  constructor(what: string, readonly limit: number, setting: string) {
    super(`${what} is larger than the limit of ${limit} bytes (limits.${setting})`);
    this.name = "TooLargeError";
  }
}
