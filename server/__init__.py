"""The health book server: API, gateway for facilities, and the one-process stack around them."""
