import { useInput, useStdin } from "ink";
import type { Key } from "ink";

/** useInput, but only where the terminal can deliver single keys (raw mode); returns whether it can. */
export function useKeys(handler: (input: string, key: Key) => void): boolean {
  const { isRawModeSupported } = useStdin();
  useInput(handler, { isActive: isRawModeSupported === true });
  return isRawModeSupported === true;
}
