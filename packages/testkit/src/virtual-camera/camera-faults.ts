/** One-shot misbehaviours a test can arm. */
export type CameraFaultKind =
  /** The next command's OUT transfer stalls (the camera rejects it). */
  | 'stallCommand'
  /** The next data phase waits until {@link CameraFaults.releaseHeldData} (or a cancel or reset). */
  | 'holdData'
  /** After the next Cancel Request the camera stays busy until a Device Reset. */
  | 'stuckBusyAfterCancel';

/** Rewrites a container the camera is about to send (hostile or broken firmware). */
export type ContainerMutation = (container: Uint8Array) => Uint8Array;

interface ArmedMutation {
  kind: 'data' | 'response';
  /** Only for this operation code; any when undefined. */
  operation: number | undefined;
  mutate: ContainerMutation;
}

/** Data containers of up to this many chunks are mutated whole; larger ones in their first chunk (the header). */
const WHOLE_MUTATION_CHUNKS = 16;

/**
 * The camera's fault switches. Each fault fires once, at the protocol point
 * where real firmware would misbehave; USB-level faults (NAK, unplug at a
 * byte or phase) are on the simulated device's own `faults`.
 */
export class CameraFaults {
  private readonly armed = new Map<CameraFaultKind, number>();
  private readonly held: Array<() => void> = [];
  private stallAfterChunks: number | undefined;
  private mutations: ArmedMutation[] = [];

  /** Arms a fault for the next `times` occasions. */
  arm(kind: CameraFaultKind, times = 1): void {
    this.armed.set(kind, (this.armed.get(kind) ?? 0) + times);
  }

  /** The next data phase stalls bulk IN after `chunks` device-side writes (0: before any byte). */
  stallDataPhase(chunks = 1): void {
    this.stallAfterChunks = chunks;
  }

  /** The next data (or response) container, of `operation` or any, goes out rewritten by `mutate`. */
  mutateNext(kind: 'data' | 'response', mutate: ContainerMutation, operation?: number): void {
    this.mutations.push({ kind, operation, mutate });
  }

  /** Lets every held data phase go on. */
  releaseHeldData(): void {
    for (const wake of this.held.splice(0)) wake();
  }

  /** Disarms everything (held data phases are released). */
  clear(): void {
    this.armed.clear();
    this.stallAfterChunks = undefined;
    this.mutations = [];
    this.releaseHeldData();
  }

  /** @internal Consumes one arming of `kind`; `true` when it was armed. */
  take(kind: CameraFaultKind): boolean {
    const left = this.armed.get(kind) ?? 0;
    if (left <= 0) return false;
    this.armed.set(kind, left - 1);
    return true;
  }

  /** @internal Registers a held data phase's wake-up. */
  holdUntilReleased(wake: () => void): void {
    this.held.push(wake);
  }

  /** @internal Consumes the armed data-phase stall. */
  takeStallAfterChunks(): number | undefined {
    const chunks = this.stallAfterChunks;
    this.stallAfterChunks = undefined;
    return chunks;
  }

  /** @internal Applies (and consumes) a matching mutation to a small container. */
  mutate(kind: 'data' | 'response', operation: number, container: Uint8Array): Uint8Array {
    const mutation = this.takeMutation(kind, operation);
    return mutation ? mutation.mutate(container.slice()) : container;
  }

  /** @internal Applies a matching mutation to a chunked data container. */
  mutateFirst(kind: 'data', operation: number, chunks: Array<() => Uint8Array>): Array<() => Uint8Array> {
    const mutation = this.takeMutation(kind, operation);
    if (!mutation) return chunks;
    const parts = chunks.length <= WHOLE_MUTATION_CHUNKS ? chunks.map((c) => c()) : [chunks[0]!()];
    const whole = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      whole.set(part, offset);
      offset += part.length;
    }
    const mutated = mutation.mutate(whole);
    return [() => mutated, ...chunks.slice(parts.length)];
  }

  private takeMutation(kind: 'data' | 'response', operation: number): ArmedMutation | undefined {
    const index = this.mutations.findIndex((m) => m.kind === kind && (m.operation === undefined || m.operation === operation));
    return index < 0 ? undefined : this.mutations.splice(index, 1)[0];
  }
}
