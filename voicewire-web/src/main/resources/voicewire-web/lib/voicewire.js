// All voicewire browser components from one import:
//   import { TtsSocket, SttSocket, Player, Microphone } from '/lib/voicewire.js';
export { TtsSocket } from './tts-socket.js';
export { MultiTtsSocket } from './multi-tts-socket.js';
export { DialogueSocket } from './dialogue-socket.js';
export { SttSocket } from './stt-socket.js';
export { Player } from './player.js';
export { Microphone } from './mic.js';
export { TranscriptView } from './transcript-view.js';
export { StatusIndicator } from './status-indicator.js';
export { LatencyPanel } from './latency-panel.js';
export { JitterBuffer } from './jitter-buffer.js';
export { Resampler } from './resampler.js';
