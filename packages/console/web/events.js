// Live updates over Server-Sent Events (`/api/v1/events`): one EventSource per page that asks.

/**
 * Subscribes to the named events (`post`, `stats`); each handler gets the parsed JSON data.
 * EventSource reconnects by itself. Returns a function that closes the stream.
 */
export function subscribe(handlers) {
  const source = new EventSource('/api/v1/events', { withCredentials: true });
  for (const [name, handler] of Object.entries(handlers)) {
    source.addEventListener(name, (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      handler(data);
    });
  }
  return () => source.close();
}
