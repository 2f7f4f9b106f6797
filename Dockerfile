# The app image used by docker-compose.yml.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .puppeteerrc.cjs ./
# A system Chromium lets .puppeteerrc.cjs skip Puppeteer's own browser download.
RUN apt-get update && apt-get install -y --no-install-recommends chromium-headless-shell chromium && rm -rf /var/lib/apt/lists/*
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src src
COPY migrations migrations
COPY bench bench
COPY templates templates
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends chromium-headless-shell chromium && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/templates templates
COPY package.json .puppeteerrc.cjs ./
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
