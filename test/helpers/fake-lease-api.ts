// An in-memory stand-in for the Lease calls the deploy lock makes (read, create, replace, delete),
// with the API server's one rule that matters for fencing: a replace or delete whose
// resourceVersion is not the current one fails with 409 Conflict. Lets two lock holders in one test
// race on the same lease, in an order the test chooses.
import { ApiException, type CoordinationV1Api, type CoreV1Api, type V1Lease } from '@kubernetes/client-node';

const fail = (code: number, what: string) => new ApiException(code, what, { message: what }, {});

export class FakeLeaseApi {
  lease: V1Lease | undefined;
  private rv = 0;
  /** Every call, `replace` or `replace conflict`, in order. */
  readonly calls: string[] = [];

  private stored(body: V1Lease): V1Lease {
    this.lease = structuredClone({
      ...body,
      metadata: { ...body.metadata, resourceVersion: String(++this.rv) },
    });
    return structuredClone(this.lease);
  }

  async readNamespacedLease(): Promise<V1Lease> {
    this.calls.push('read');
    if (!this.lease) throw fail(404, 'not found');
    return structuredClone(this.lease);
  }

  async createNamespacedLease({ body }: { body: V1Lease }): Promise<V1Lease> {
    this.calls.push('create');
    if (this.lease) throw fail(409, 'already exists');
    return this.stored(body);
  }

  async replaceNamespacedLease({ body }: { body: V1Lease }): Promise<V1Lease> {
    if (!this.lease) throw fail(404, 'not found');
    if (body.metadata?.resourceVersion !== this.lease.metadata?.resourceVersion) {
      this.calls.push('replace conflict');
      throw fail(409, 'the object has been modified');
    }
    this.calls.push('replace');
    return this.stored(body);
  }

  async deleteNamespacedLease({
    body,
  }: {
    body?: { preconditions?: { resourceVersion?: string } };
  }): Promise<void> {
    this.calls.push('delete');
    const want = body?.preconditions?.resourceVersion;
    if (want && want !== this.lease?.metadata?.resourceVersion) throw fail(409, 'precondition failed');
    this.lease = undefined;
  }

  /** What acquireLock takes: these Lease calls, and a namespace that exists. */
  clients(): { core: CoreV1Api; leases: CoordinationV1Api } {
    const core = { readNamespace: async () => ({ metadata: { name: 'runlevel-system' } }) };
    return { core: core as unknown as CoreV1Api, leases: this as unknown as CoordinationV1Api };
  }
}
