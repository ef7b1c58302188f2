import type { Answer } from './check-response.ts';
import type { FuzzRequest } from './requests.ts';

/** What the suite needs of a hono app: `app.request`, in-process. */
export interface RequestTarget {
  request(input: string, init: RequestInit): Response | Promise<Response>;
}

/** Sends the requests with `concurrency` in flight; calls `onAnswer` for each, in any order. */
export async function runRequests(
  target: RequestTarget,
  requests: readonly FuzzRequest[],
  concurrency: number,
  onAnswer: (request: FuzzRequest, answer: Answer, index: number) => void,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < requests.length; i = next++) {
        const request = requests[i] as FuzzRequest;
        try {
          const res = await target.request(request.url, {
            method: request.method,
            headers: request.headers,
            ...(request.body === undefined ? {} : { body: request.body as RequestInit['body'] }),
          });
          const text = await res.text();
          onAnswer(
            request,
            { status: res.status, contentType: res.headers.get('content-type') ?? '', text },
            i,
          );
        } catch (error) {
          // Reported as a failure: an exception that escaped the app is what a server turns into a 500.
          onAnswer(request, { status: 599, contentType: '', text: `threw ${(error as Error).stack}` }, i);
        }
      }
    }),
  );
}
