#!/usr/bin/env bash
# Refreshes the vendored ElevenLabs contract documents in this folder (see README.md).
#
#   voicewire-client/src/test/resources/elevenlabs-spec/refresh.sh            # all sources
#   DOCS_REF=<commit> PACKAGES_REF=<commit> JS_VERSION=2.73.0 .../refresh.sh # pinned
#
# GitHub documents come from raw.githubusercontent.com (a machine that can reach GitHub);
# the JS SDK files come from the npm registry with `npm pack` (reachable from CI as well:
# JS_ONLY=1 refreshes only those). Files are written unmodified; then update README.md's table
# (the script prints the lines) and run the contract tests:
#   mvn -pl voicewire-client -am test -Dtest='DoubleSelfTest,SdkContractTest,RelayContractTest,ProtocolTableTest'
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
DOCS_REF="${DOCS_REF:-main}"
PACKAGES_REF="${PACKAGES_REF:-main}"
JS_VERSION="${JS_VERSION:-2.73.0}"
raw() { curl -fsSL "https://raw.githubusercontent.com/$1/$2/$3" -o "$here/$4"; echo "$1 $3 @ $2 -> $4"; }

if [ -z "${JS_ONLY:-}" ]; then
  raw elevenlabs/elevenlabs-docs "$DOCS_REF" fern/apis/api/asyncapi.yml asyncapi.yml
  raw elevenlabs/elevenlabs-docs "$DOCS_REF" fern/apis/api/openapi.json openapi.json
  raw elevenlabs/packages "$PACKAGES_REF" packages/types/schemas/scribe.asyncapi.yaml scribe.asyncapi.yaml
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@elevenlabs/elevenlabs-js@$JS_VERSION" >/dev/null && tar xzf ./*.tgz)
pkg="$tmp/package"
mkdir -p "$here/elevenlabs-js"
cp "$pkg/wrapper/realtime/scribe.js" "$pkg/wrapper/realtime/connection.d.ts" \
   "$pkg/api/types/SingleUseTokenType.d.ts" "$pkg/api/types/SingleUseTokenResponseModel.d.ts" \
   "$here/elevenlabs-js/"
# Text-to-Dialogue WebSockets: the SDK's generated wire types (no AsyncAPI document in the repos)
mkdir -p "$here/elevenlabs-js/dialogue"
cp "$pkg"/serialization/types/TextToDialogueWebsocket*.js \
   "$pkg/serialization/types/DialogueTextAlignment.js" \
   "$pkg/serialization/types/PronunciationDictionaryLocator.js" \
   "$pkg/serialization/resources/v1TextToDialogueStreamInput/types/ReceiveTextToDialogueWebsocketMessage.js" \
   "$pkg/serialization/resources/v1TextToDialogueMultiStreamInput/types/ReceiveTextToDialogueWebsocketMessageMulti.js" \
   "$here/elevenlabs-js/dialogue/"
echo "@elevenlabs/elevenlabs-js@$JS_VERSION -> elevenlabs-js/"
date -u +"refreshed %Y-%m-%dT%H:%M:%SZ"
