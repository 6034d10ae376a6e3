/** Token counts of one response, whatever its wire format. `cached` is included in `input`. */
export interface TokenUsage {
  input: number;
  output: number;
  cached: number;
}
