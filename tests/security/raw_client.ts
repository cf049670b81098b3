/** Hand-written hostile clients: raw sockets on loopback, so nothing is tidied up for us. */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function rawConnect(port: number): Promise<Deno.TcpConn> {
  return await Deno.connect({ hostname: "127.0.0.1", port });
}

export async function send(conn: Deno.Conn, text: string): Promise<void> {
  await conn.write(encoder.encode(text));
}

/**
 * Everything the server sends until it closes the connection, or `undefined` when it is still
 * open after `withinMs`.
 */
export async function readUntilClosed(
  conn: Deno.Conn,
  withinMs: number,
): Promise<string | undefined> {
  const chunks: string[] = [];
  const buffer = new Uint8Array(16 * 1024);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"open">((resolve) => {
    timer = setTimeout(() => resolve("open"), withinMs);
  });
  try {
    for (;;) {
      const read = await Promise.race([conn.read(buffer).catch(() => null), timeout]);
      if (read === "open") return undefined;
      if (read === null) return chunks.join("");
      chunks.push(decoder.decode(buffer.subarray(0, read)));
    }
  } finally {
    clearTimeout(timer);
  }
}

export function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Closed by the server already.
  }
}
