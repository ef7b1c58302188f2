import type { Signer } from '@aws-sdk/rds-signer';

export interface IamAuth {
  /** AWS region of the database (the token is signed for it). */
  region: string;
}

/** What a password function needs to know about the server it signs for. */
export interface IamTarget extends IamAuth {
  hostname: string;
  port: number;
  username: string;
}

/**
 * A password function for postgres.js that returns a new RDS IAM authentication token each time it
 * is called. postgres.js calls it for every new connection (and only then: a running connection is
 * never re-authenticated), so no token is ever reused and none can expire in the pool. A token is a
 * SigV4-presigned `connect` URL valid for 15 minutes; signing is local (no network), from the
 * default AWS credential chain (environment, web identity, container or instance role), whose
 * temporary credentials the signer refreshes before they expire.
 */
export function createIamPassword(target: IamTarget): () => Promise<string> {
  // The signer's SDK is imported on the first connection, not with the module: about 11 MB of RSS
  // that a process without IAM auth should not carry (docs/decisions.md).
  let signer: Promise<Signer> | undefined;
  return async () => {
    signer ??= import('@aws-sdk/rds-signer').then(
      ({ Signer }) =>
        new Signer({
          hostname: target.hostname,
          port: target.port,
          username: target.username,
          region: target.region,
        }),
    );
    return (await signer).getAuthToken();
  };
}
