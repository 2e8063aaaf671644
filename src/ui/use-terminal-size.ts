/**
 * The terminal's size, re-read on every `resize` of stdout (Ink 6.8 re-lays out the width
 * itself but never re-renders React on a height change). Falls back to 100x24 for streams
 * without a size (ink-testing-library).
 */
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

export interface TerminalSize {
  columns: number;
  rows: number;
}

export function readSize(stdout: NodeJS.WriteStream, fallback: TerminalSize): TerminalSize {
  return { columns: stdout.columns || fallback.columns, rows: stdout.rows || fallback.rows };
}

export function useTerminalSize(fallback: TerminalSize = { columns: 100, rows: 24 }): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => readSize(stdout, fallback));
  useEffect(() => {
    const onResize = () => setSize(readSize(stdout, fallback));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // The fallback is a constant per mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout]);
  return size;
}
