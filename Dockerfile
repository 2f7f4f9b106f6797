# The app image used by docker-compose.yml.
#
# Browser: Debian's chromium-headless-shell, installed with apt in the final stage. The app would
# print without it (it falls back to the Chromium inside the @sparticuz/chromium npm package, which
# `npm ci` installs with the rest), but Debian's headless shell gets security updates with every
# rebuild, needs no 209 MB unpack into the container's cache at first start, and brings the NSS
# libraries the packaged one needs as well. (bench:pdf measured both at about the same speed.) Nothing is downloaded at `npm ci`: puppeteer-core has no install script.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src src
COPY migrations migrations
COPY bench bench
COPY support support
COPY templates templates
COPY scripts/build-assets.mjs scripts/
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends chromium-headless-shell && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/templates templates
COPY package.json ./
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
