/**
 * A scripted ProcessRunner (after lazygit's fake command runner): each expected call gives the
 * exact program, argv and stdin, and the result to return. A call that was not expected, or
 * differs, throws; assertAllCalled() fails when expected calls were never made.
 */
import { expect } from 'vitest';
import type { ProcessRunner, RunRequest, RunResult } from '../../src/actions/process-runner.js';

export interface ExpectedCall {
  file: string;
  args: string[];
  stdin: string;
  result?: Partial<RunResult>;
}

export class FakeRunner implements ProcessRunner {
  readonly calls: RunRequest[] = [];
  private readonly expected: ExpectedCall[];

  constructor(expected: ExpectedCall[]) {
    this.expected = [...expected];
  }

  async run(request: RunRequest): Promise<RunResult> {
    this.calls.push(request);
    const next = this.expected.shift();
    if (!next) throw new Error(`unexpected call: ${request.file} ${request.args.join(' ')}`);
    expect({ file: request.file, args: [...request.args], stdin: request.stdin }).toEqual({
      file: next.file,
      args: next.args,
      stdin: next.stdin,
    });
    return { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, spawnError: null, ...next.result };
  }

  assertAllCalled(): void {
    expect(this.expected.map((c) => `${c.file} ${c.args.join(' ')}`), 'expected calls never made').toEqual([]);
  }
}
